namespace CxContact.Core.Compliance;

/// <summary>
/// Which attempts the caller counts for a limit: every attempt of the tenant, or only the campaign's.
/// The evaluator does not filter by scope; the caller passes the attempts that the scope selects.
/// Wire names: "tenant", "campaign".
/// </summary>
public enum AttemptScope
{
    Tenant = 0,
    Campaign = 1,
}
