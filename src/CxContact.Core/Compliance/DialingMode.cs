namespace CxContact.Core.Compliance;

/// <summary>How a dialer places the call. Wire names are the lower-case names (see <see cref="DialingModes"/>).</summary>
public enum DialingMode
{
    Preview = 0,
    Progressive = 1,
    Predictive = 2,
    Power = 3,
    Agentless = 4,
}
