// who_leads: the explicit lead duties nearest to ($item, $region) as of $as_of.
// SPEC §3 rules 1-3: the item first, then its parent items, at $region; then
// the same at each region up the tree. Returns one row — the nearest site —
// with the region path walked (from $region up), the item path and the duties;
// no row when no active lead duty exists anywhere on the path.
// Parameters: $item (id), $region (code), $as_of (YYYY-MM-DD).
MATCH rp = (:Region {id: $region})-[:PARENT*0..]->(r:Region)
MATCH ip = (:Item {id: $item})-[:PARENT*0..]->(i:Item)
MATCH (d:Duty {item: i.id, region: r.id, role: 'lead'})
WHERE (d.valid_from IS NULL OR d.valid_from <= $as_of)
  AND (d.valid_to IS NULL OR $as_of < d.valid_to)
WITH length(rp) AS region_depth, length(ip) AS item_depth,
     [n IN nodes(rp) | n.id] AS region_path, [n IN nodes(ip) | n.id] AS item_path, d
ORDER BY d.id
WITH region_depth, item_depth, region_path, item_path, collect(properties(d)) AS duties
RETURN region_path, item_path, duties
ORDER BY region_depth, item_depth
LIMIT 1
