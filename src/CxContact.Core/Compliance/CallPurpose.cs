namespace CxContact.Core.Compliance;

/// <summary>
/// What a call is for, as the laws sort calls: telemarketing ("telephone solicitation", "telephonic sales"), debt
/// collection, or anything else. A campaign declares it; a rule covers some of them. Wire names: "sales",
/// "debt-collection", "informational".
/// </summary>
public enum CallPurpose
{
    Sales = 0,
    DebtCollection = 1,
    Informational = 2,
}
