using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance;

/// <summary>Recent attempts for one subject: tenant-wide and within the campaign, by phone, contact and client id.</summary>
public sealed record AttemptWindows(
    IReadOnlyList<AttemptRecord> Phone, IReadOnlyList<AttemptRecord> Contact, IReadOnlyList<AttemptRecord> ClientId,
    IReadOnlyList<AttemptRecord> CampaignPhone, IReadOnlyList<AttemptRecord> CampaignContact, IReadOnlyList<AttemptRecord> CampaignClientId)
{
    /// <summary>No attempts: for decisions no attempt rule applies to.</summary>
    public static AttemptWindows None { get; } = new([], [], [], [], [], []);
}
