# One image for both processes; docker-compose.yml picks the entry point.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/web/package.json apps/web/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/core/package.json packages/core/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web
# The worker's bundle, as npm start runs it (docker-compose.yml starts it; scripts/bundle.ts).
RUN node --import tsx scripts/bundle.ts --image
ENV NODE_ENV=production HOST=0.0.0.0
USER node
CMD ["node", "--max-semi-space-size=16", "--import", "tsx", "apps/api/src/main.ts"]
