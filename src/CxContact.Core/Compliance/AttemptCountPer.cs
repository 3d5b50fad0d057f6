namespace CxContact.Core.Compliance;

/// <summary>What an attempt limit counts against. Wire names: "phone", "contact", "clientId".</summary>
public enum AttemptCountPer
{
    Phone = 0,
    Contact = 1,
    ClientId = 2,
}
