namespace CxContact.Server.Suppression;

/// <summary>One run of a suppression import: its progress, warnings and rejected rows (row, column, reason).</summary>
public sealed class SuppressionImportRun
{
    public SuppressionImportProgress Progress { get; } = new();
    public List<string> Warnings { get; } = [];
    public List<(int Row, string Column, string Reason)> Errors { get; } = [];
}
