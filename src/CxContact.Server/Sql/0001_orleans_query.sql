-- The Orleans ADO.NET providers read every statement they run from this table, by key
-- (`SELECT QueryKey, QueryText FROM OrleansQuery`). The table name and its two columns are fixed by the
-- provider DLLs; everything else in the Orleans migrations is ours.
CREATE TABLE orleansquery
(
    querykey  varchar(64)   NOT NULL,
    querytext varchar(8000) NOT NULL,
    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);
