// duties_on: every duty on an item, in every region.
// Parameters: $item (id).
MATCH (d:Duty {item: $item})
RETURN properties(d) AS p
ORDER BY d.id
