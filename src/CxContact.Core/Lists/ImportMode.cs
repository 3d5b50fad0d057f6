namespace CxContact.Core.Lists;

/// <summary>How an import's records combine with the list's.</summary>
public enum ImportMode
{
    /// <summary>Adds records; with dedupe, a record matching an existing one is merged into it.</summary>
    Append,
    /// <summary>The new set replaces the old one atomically once complete; readers see the old set until then.</summary>
    Replace,
    /// <summary>Records matching by key are updated (keeping attempt history); the others are added.</summary>
    Update,
}
