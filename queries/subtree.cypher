// subtree: $code and every region below it, each with its parent's code (the
// caller orders them parents first). Parameters: $code (region code).
MATCH (r:Region)-[:PARENT*0..]->(:Region {id: $code})
RETURN DISTINCT r.id AS id, r.parent AS parent
