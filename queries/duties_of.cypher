// duties_of: every duty a department holds (any item, region, role or date).
// Parameters: $department (id).
MATCH (d:Duty {department: $department})
RETURN properties(d) AS p
ORDER BY d.id
