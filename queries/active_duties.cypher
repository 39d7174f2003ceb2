// active_duties: the $role duties recorded for $item at $region and in force at
// $as_of (half-open: valid_from <= as_of < valid_to), by the (item, region) index.
// Parameters: $item (id), $region (code), $role (lead/assist), $as_of (YYYY-MM-DD).
MATCH (d:Duty {item: $item, region: $region})
WHERE d.role = $role
  AND (d.valid_from IS NULL OR d.valid_from <= $as_of)
  AND (d.valid_to IS NULL OR $as_of < d.valid_to)
RETURN properties(d) AS p
ORDER BY d.id
