namespace CxContact.Core.Scheduling;

/// <summary>
/// What a schedule does when it fires. Type is one of <see cref="ScheduleActionTypes"/>. CampaignId names the
/// campaign of a campaign action (or, for an import, the campaign to preload or start afterwards: Then is
/// "preload", "start" or "start-paused"). ListId names the contact list of an import or the suppression list of a
/// suppression action or import. An SFTP import reads RemotePath through SftpConnectionId, in Mode append, replace
/// or update (a suppression import: append or replace), with Spec (import spec JSON) or else the list's own spec. An
/// export writes the contact list to RemotePath, whose {date}, {time} and {datetime} are filled in with the
/// occurrence's time in the schedule's zone.
/// </summary>
[GenerateSerializer, Alias("cxc.ScheduleAction")]
public sealed record ScheduleAction
{
    [Id(0)] public required string Type { get; init; }
    [Id(1)] public Guid? CampaignId { get; init; }
    [Id(2)] public Guid? ListId { get; init; }
    [Id(3)] public Guid? SftpConnectionId { get; init; }
    [Id(4)] public string? RemotePath { get; init; }
    [Id(5)] public string? Mode { get; init; }
    [Id(6)] public string? Then { get; init; }
    [Id(7)] public string? Spec { get; init; }
}
