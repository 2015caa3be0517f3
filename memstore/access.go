package memstore

// accessTables holds the access package's rows.
type accessTables struct{}

func (t *accessTables) init() {}
