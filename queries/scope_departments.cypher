// scope_departments: the departments of the governments of $code's subtree.
// Parameters: $code (region code).
MATCH (r:Region)-[:PARENT*0..]->(:Region {id: $code})
WITH DISTINCT r
MATCH (d:Department {region: r.id})
RETURN properties(d) AS p
