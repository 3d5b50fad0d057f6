using System.Runtime.CompilerServices;

// The phone tests check the NANP metadata analysis directly: if a libphonenumber upgrade brings a pattern it cannot
// read, numbers stay correct but the fast path silently switches off, and only a test looking inside would notice.
[assembly: InternalsVisibleTo("CxContact.Core.Tests")]
