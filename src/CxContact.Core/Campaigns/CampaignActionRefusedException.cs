namespace CxContact.Core.Campaigns;

/// <summary>An action the campaign cannot take now; the API answers 409 with this message.</summary>
[GenerateSerializer, Alias("cxc.CampaignActionRefusedException")]
public sealed class CampaignActionRefusedException : Exception
{
    public CampaignActionRefusedException() { }
    public CampaignActionRefusedException(string message) : base(message) { }
    public CampaignActionRefusedException(string message, Exception inner) : base(message, inner) { }

    [Id(0)] public CampaignState? State { get; init; }
}
