// departments_of_line: the departments of $region carrying the line $line
// (active or not). Parameters: $region (code), $line (line id).
MATCH (d:Department {region: $region})
WHERE $line IN d.systems
RETURN properties(d) AS p
ORDER BY d.id
