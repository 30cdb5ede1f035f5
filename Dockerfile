# jifen runs its TypeScript sources with tsx, a regular dependency: no build step, no dev dependencies.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# The embedded PostgreSQL (used only without DATABASE_URL) keeps its cluster in /app/data; it runs as the user node.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

EXPOSE 3000
CMD ["npm", "start"]
