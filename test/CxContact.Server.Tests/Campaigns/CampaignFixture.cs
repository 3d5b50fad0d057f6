using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>A server whose clock reads a weekday noon in New York, so calling windows are open whenever the suite runs.</summary>
public sealed class CampaignFixture : IAsyncLifetime
{
    public ShiftedClock Clock { get; } = ShiftedClock.WednesdayNoonEastern();
    public ApiFactory Api { get; } = new();

    public async Task InitializeAsync() => await Api.WithClock(Clock).InitializeAsync();

    public Task DisposeAsync() => Api.DisposeAsync();
}
