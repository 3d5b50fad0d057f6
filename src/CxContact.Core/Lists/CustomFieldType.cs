namespace CxContact.Core.Lists;

/// <summary>The type of a custom field; values are parsed at import and rejected by row when they do not parse.</summary>
public enum CustomFieldType { String, Number, Date, Bool }
