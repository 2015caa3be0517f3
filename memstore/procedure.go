package memstore

// procedureTables holds the procedure package's rows.
type procedureTables struct{}

func (t *procedureTables) init() {}
