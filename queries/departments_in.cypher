// departments_in: every department of the government of $region (active or not).
// Parameters: $region (code).
MATCH (d:Department {region: $region})
RETURN properties(d) AS p
ORDER BY d.id
