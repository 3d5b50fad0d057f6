using Orleans.Placement;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Places a grain type only on silos that play the given role (CXC_ROLES), as the design's roles require: campaign
/// and list grains on the campaign role, suppression grains on the compliance role.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloRolePlacementAttribute(string role) : PlacementFilterAttribute(new SiloRolePlacementFilterStrategy(role, 0));
