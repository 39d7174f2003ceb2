// item_path: $item and its ancestors in the catalogue tree, nearest first
// (one row, the longest path; no row when $item is not an item).
// Parameters: $item (item id).
MATCH p = (:Item {id: $item})-[:PARENT*0..]->(:Item)
WITH p, length(p) AS depth
ORDER BY depth DESC
LIMIT 1
RETURN [n IN nodes(p) | n.id] AS path
