namespace CxContact.Server.Campaigns;

/// <summary>Another live campaign of the tenant already has this name (any case).</summary>
[GenerateSerializer, Alias("cxc.CampaignNameTakenException")]
public sealed class CampaignNameTakenException : Exception
{
    public CampaignNameTakenException() { }
    public CampaignNameTakenException(string name) : base($"A campaign named \"{name}\" already exists in this tenant.") { }
    public CampaignNameTakenException(string message, Exception inner) : base(message, inner) { }
}
