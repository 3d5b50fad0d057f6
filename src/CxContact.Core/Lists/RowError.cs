namespace CxContact.Core.Lists;

/// <summary>Why a row was rejected: its file row number, the column (header name or "column N"), and the reason.</summary>
public readonly record struct RowError(int Row, string Column, string Reason);
