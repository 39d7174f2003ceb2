// departments_with_line: every department carrying the line $line, in any region
// (active or not): what a what-if's set-vertical change reads. Parameters: $line (line id).
MATCH (d:Department)
WHERE $line IN d.systems
RETURN properties(d) AS p
ORDER BY d.id
