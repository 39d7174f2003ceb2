// region_path: $code and its ancestors, nearest first, up the (:Region)-[:PARENT]->
// tree (one row, the longest path; no row when $code is not a region).
// Parameters: $code (region code).
MATCH p = (:Region {id: $code})-[:PARENT*0..]->(:Region)
WITH p, length(p) AS depth
ORDER BY depth DESC
LIMIT 1
RETURN [n IN nodes(p) | n.id] AS path
