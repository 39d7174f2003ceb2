// duties_at: every duty recorded for $item at $region (any role, any date).
// Parameters: $item (id), $region (code).
MATCH (d:Duty {item: $item, region: $region})
RETURN properties(d) AS p
ORDER BY d.id
