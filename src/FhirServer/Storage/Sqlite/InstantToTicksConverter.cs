using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FhirMh.FhirServer.Storage.Sqlite;

internal sealed class InstantToTicksConverter() : ValueConverter<Instant, long>(
    instant => instant.ToUnixTimeTicks(),
    ticks => Instant.FromUnixTimeTicks(ticks));
