using System.Diagnostics.Metrics;

namespace CxContact.Server.Messaging;

/// <summary>
/// The Dial Manager's counters at /metrics (cxc_messages_*_total, by channel): what a messaging autoscaler watches
/// beside CPU, and what tells a gateway outage from a quiet day.
/// </summary>
public static class MessagingMetrics
{
    public const string MeterName = "CxContact.Messaging";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Sent = Meter.CreateCounter<long>("cxc.messages.sent", description: "messages a gateway accepted");
    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("cxc.messages.failed", description: "messages refused for good");
    public static readonly Counter<long> Deferred = Meter.CreateCounter<long>("cxc.messages.deferred",
        description: "messages kept queued because their gateway did not answer");
}
