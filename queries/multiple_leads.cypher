// multiple_leads: the (item, region) sites in $region's subtree (every region
// when $region is null) where active lead duties name two or more departments
// as of $as_of — the MULTIPLE_LEADS conflict of SPEC §3, grouped in the
// database. Departments are the recorded ids; the caller maps abolished ones
// to their successors, which can only merge departments, never split them.
// Parameters: $region (code or null), $as_of (YYYY-MM-DD).
MATCH (r:Region)
WHERE $region IS NULL OR (r)-[:PARENT*0..]->(:Region {id: $region})
MATCH (d:Duty {region: r.id, role: 'lead'})
WHERE (d.valid_from IS NULL OR d.valid_from <= $as_of)
  AND (d.valid_to IS NULL OR $as_of < d.valid_to)
WITH d.item AS item, r.id AS region, d
ORDER BY d.id
WITH item, region, collect(DISTINCT d.department) AS departments, collect(properties(d)) AS duties
WHERE size(departments) >= 2
RETURN item, region, departments, duties
ORDER BY region, item
