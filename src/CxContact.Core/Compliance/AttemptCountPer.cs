namespace CxContact.Core.Compliance;

/// <summary>
/// What an attempt limit counts against. Wire names: "phone", "contact", "clientId", and "person": the person across
/// all of their numbers, known by contact id, by client id and by the number called (an attempt known under several
/// counts once; with no contact or client id, the number stands in for the person).
/// </summary>
public enum AttemptCountPer
{
    Phone = 0,
    Contact = 1,
    ClientId = 2,
    Person = 3,
}
