# The dashboard with its embedded store and collector. Build from the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ServiceDefaults/ src/ServiceDefaults/
COPY src/Metrics/ src/Metrics/
COPY src/Collector/ src/Collector/
COPY src/Dashboard/ src/Dashboard/
RUN dotnet publish src/Dashboard/X0tta6bl4.Ops.Dashboard.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    Store__Sqlite__Path=/data/metrics.db
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "X0tta6bl4.Ops.Dashboard.dll"]
