namespace CxContact.Core.Compliance;

/// <summary>How a contact is reached. Wire names: "voice", "sms", "email" (see <see cref="Channels"/>).</summary>
public enum Channel
{
    Voice = 0,
    Sms = 1,
    Email = 2,
}
