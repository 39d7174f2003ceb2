// duties_in_region: every duty recorded at $region (any item, role or date).
// Parameters: $region (code).
MATCH (d:Duty {region: $region})
RETURN properties(d) AS p
ORDER BY d.id
