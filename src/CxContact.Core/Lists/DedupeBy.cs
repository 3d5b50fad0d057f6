namespace CxContact.Core.Lists;

/// <summary>What makes two records the same contact, within a file and against the list.</summary>
public enum DedupeBy { None, ClientId, Phone }
