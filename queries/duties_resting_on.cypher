// duties_resting_on: every duty whose bases include $basis.
// Parameters: $basis (legal basis id).
MATCH (d:Duty)
WHERE $basis IN d.bases
RETURN properties(d) AS p
ORDER BY d.id
