using CxContact.Core.Lists;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// One run of a contact-list import: its progress, warnings and row problems, and the list's counts when the run
/// knows them exactly. Applied: the job's records went in before it was cut off, so this run only closes it.
/// </summary>
public sealed class ImportRun(ImportProgress progress, List<string> warnings, bool applied)
{
    public ImportProgress Progress => progress;
    public List<string> Warnings => warnings;
    public List<RowError> Errors { get; } = [];
    public bool Applied => applied;
    public ListCounts? ExactCounts { get; set; }
}
