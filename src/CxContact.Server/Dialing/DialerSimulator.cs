using CxContact.Core.Campaigns;
using CxContact.Core.Dialing;
using CxContact.Server.CallingList;

namespace CxContact.Server.Dialing;

/// <summary>Starts simulator runs against campaigns in this silo, through the in-process pull API.</summary>
public sealed class DialerSimulator(IGrainFactory grains, LeaseService leases, ResultRecorder results)
{
    public SimulationRun Start(Guid tenantId, Guid campaignId, CampaignDefinition def, SimulationSettings settings) =>
        new SimulationRun(new InProcessDialerPort(grains, leases, results, tenantId, campaignId), settings, def.DialingMode, def.AbandonTarget).Start();
}
