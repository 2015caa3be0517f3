package memstore

// teamTables holds the team package's rows.
type teamTables struct{}

func (t *teamTables) init() {}
