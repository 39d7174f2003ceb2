// scope_duties: the duties recorded at the regions of $code's subtree.
// Parameters: $code (region code).
MATCH (r:Region)-[:PARENT*0..]->(:Region {id: $code})
WITH DISTINCT r
MATCH (d:Duty {region: r.id})
RETURN properties(d) AS p
