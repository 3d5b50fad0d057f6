namespace CxContact.Core.Compliance;

/// <summary>
/// How a call is placed, as the laws on automated calls sort them: a person dials (live), a machine dials and a person
/// takes the answered call (autodialed: the autodialer statutes), or a machine dials and plays a recording (prerecorded:
/// the "automatic dialing-announcing device" and recorded-message statutes). It follows from the dialing mode: preview is
/// live; progressive, predictive and power are autodialed; agentless is prerecorded. Wire names: "live", "autodialed",
/// "prerecorded"; rules may say "automated" for the last two.
/// </summary>
public enum CallMode
{
    Live = 0,
    Autodialed = 1,
    Prerecorded = 2,
}
