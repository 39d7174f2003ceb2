// scope_regions: the regions of $code's subtree, as records (a regional scan's scope).
// Parameters: $code (region code).
MATCH (r:Region)-[:PARENT*0..]->(:Region {id: $code})
RETURN DISTINCT properties(r) AS p
