namespace CxContact.Core.Compliance;

/// <summary>
/// Which attempts a limit counts: every attempt of the tenant, or only those made for the campaign the decision is
/// about (<see cref="ComplianceInput.CampaignId"/>). Wire names: "tenant", "campaign".
/// </summary>
public enum AttemptScope
{
    Tenant = 0,
    Campaign = 1,
}
