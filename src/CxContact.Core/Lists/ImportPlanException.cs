namespace CxContact.Core.Lists;

/// <summary>The spec does not fit the file; Where is the JSON path or "file".</summary>
public sealed class ImportPlanException(string where, string message) : Exception(message)
{
    public string Where { get; } = where;
}
