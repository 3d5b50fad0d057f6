namespace CxContact.Core.Compliance;

/// <summary>
/// What an attempt limit counts against. Wire names: "phone", "contact", "clientId", and "person": the person across
/// all of their numbers, known by contact id and by client id (an attempt counted by either counts once).
/// </summary>
public enum AttemptCountPer
{
    Phone = 0,
    Contact = 1,
    ClientId = 2,
    Person = 3,
}
