namespace CxContact.Core.Compliance;

/// <summary>
/// Whether a person places the call or a machine does (an autodialer, or a prerecorded or artificial voice), as the
/// laws on automated calls sort them. It follows from the dialing mode: only preview is dialed by a person. Wire
/// names: "live", "automated".
/// </summary>
public enum CallMode
{
    Live = 0,
    Automated = 1,
}
