# dealnudge service image: `docker run -v /etc/dealnudge:/etc/dealnudge:ro
#   -v dealnudge-data:/var/lib/dealnudge dealnudge` runs `dealnudge serve`.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY connectors connectors
COPY analyzer analyzer
COPY scheduler scheduler
COPY config config
COPY store store
COPY dealnudge dealnudge
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/dealnudge --create-home dealnudge \
 && mkdir -p /etc/dealnudge && chown dealnudge /var/lib/dealnudge
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER dealnudge
WORKDIR /var/lib/dealnudge
ENV DEALNUDGE_CONFIG=/etc/dealnudge/dealnudge.yaml \
    PYTHONUNBUFFERED=1
VOLUME ["/etc/dealnudge", "/var/lib/dealnudge"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["dealnudge"]
CMD ["serve"]
