// scope_disputes: the disputes raised in $code's subtree.
// Parameters: $code (region code).
MATCH (r:Region)-[:PARENT*0..]->(:Region {id: $code})
WITH DISTINCT r
MATCH (x:Dispute {region: r.id})
RETURN properties(x) AS p
