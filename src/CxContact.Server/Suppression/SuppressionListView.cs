using CxContact.Core.Suppression;

namespace CxContact.Server.Suppression;

/// <summary>A suppression list as GET answers it: configuration, entry count and the state of its index.</summary>
public sealed record SuppressionListView(
    Guid Id, string Name, string? Description, string Scope, IReadOnlyList<Guid> CampaignIds, DateTimeOffset CreatedAt,
    long EntryCount, SuppressionListView.IndexState Index)
{
    public sealed record IndexState(long Version, long? RebuildingTo);

    public static SuppressionListView From(SuppressionListInfo i) =>
        new(i.Id, i.Name, i.Description, i.Scope, i.CampaignIds, i.CreatedAt, i.EntryCount, new IndexState(i.IndexVersion, i.RebuildingTo));
}
