// departments_by_id: the departments whose ids are in $ids (used to follow
// abolished departments to their successors).
// Parameters: $ids (list of department ids).
UNWIND $ids AS id
MATCH (d:Department {id: id})
RETURN properties(d) AS department
